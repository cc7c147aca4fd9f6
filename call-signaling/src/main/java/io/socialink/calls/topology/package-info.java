/** The Processor API topology: commands decided against the call-state store, timeouts on wall-clock time. */
@NullMarked
package io.socialink.calls.topology;

import org.jspecify.annotations.NullMarked;
