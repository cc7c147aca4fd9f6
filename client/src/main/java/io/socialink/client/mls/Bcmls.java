package io.socialink.client.mls;

import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One JVM-wide lock around bcmls work. bcmls's cipher suites are shared singletons
 * ({@code MlsCipherSuite.getSuite(id)}, also used by everything it decodes) holding stateful primitives (one
 * {@code Ed25519Signer} per suite, for instance), so two groups, even of different devices, must not sign or hash at
 * the same time: concurrent use fails with errors like "Ed25519Signer not initialised for signature generation".
 * Held only for the computation itself, never while waiting for the network or for an epoch.
 */
final class Bcmls {

    private static final ReentrantLock LOCK = new ReentrantLock();

    private Bcmls() {}

    static <T> T call(Callable<T> work) throws Exception {
        LOCK.lock();
        try {
            return work.call();
        } finally {
            LOCK.unlock();
        }
    }
}
