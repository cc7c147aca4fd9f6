/** call-signaling's settings and Spring wiring. */
@NullMarked
package io.socialink.calls.config;

import org.jspecify.annotations.NullMarked;
