/** What call-signaling counts. */
@NullMarked
package io.socialink.calls.metrics;

import org.jspecify.annotations.NullMarked;
