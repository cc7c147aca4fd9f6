package io.socialink.client.signal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import org.signal.libsignal.protocol.SignalProtocolAddress;

/**
 * One lock per remote device address: libsignal's session builder and cipher read, change and write several store
 * records per operation and are not thread-safe, so every operation on one address runs alone, while different
 * addresses proceed in parallel. Locks are kept for the life of the messenger (one per peer device).
 */
final class AddressLocks {

    /** An operation under an address's lock; it may throw libsignal's checked exceptions. */
    @FunctionalInterface
    interface Locked<T> {
        T run() throws Exception;
    }

    /** An operation without a result under an address's lock. */
    @FunctionalInterface
    interface LockedAction {
        void run() throws Exception;
    }

    private final ConcurrentMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    <T> T with(SignalProtocolAddress address, Locked<T> operation) throws Exception {
        ReentrantLock lock =
                locks.computeIfAbsent(address.getName() + "." + address.getDeviceId(), ignored -> new ReentrantLock());
        lock.lock();
        try {
            return operation.run();
        } finally {
            lock.unlock();
        }
    }

    void run(SignalProtocolAddress address, LockedAction operation) throws Exception {
        with(address, () -> {
            operation.run();
            return address;
        });
    }
}
