package io.socialink.client.mls;

/**
 * An MLS operation failed on this device: bcmls refused a message or a commit (its errors are plain
 * {@code java.lang.Exception}s with a message, kept as the cause), the group is unknown or gone, or a commit could not
 * be placed within its retries. Plaintext never appears in the message.
 */
public class MlsException extends RuntimeException {

    public MlsException(String message) {
        super(message);
    }

    public MlsException(String message, Throwable cause) {
        super(message, cause);
    }
}
