/**
 * End-to-end encrypted call signalling: offers, answers and ICE candidates encrypted per peer device with the
 * libsignal sessions of {@link io.socialink.client.signal.SecureMessenger}; the server relays them as ciphertext.
 */
@NullMarked
package io.socialink.client.calls;

import org.jspecify.annotations.NullMarked;
