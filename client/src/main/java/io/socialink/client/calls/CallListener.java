package io.socialink.client.calls;

/**
 * Receives the call frames of a device socket, decrypted by {@link SecureCalls}. Calls come one at a time, in frame
 * order, on the socket's thread: do not block (answer a ring on another thread). Returning acks a queued frame.
 */
@FunctionalInterface
public interface CallListener {

    void onCall(CallSignal signal);
}
