@NullMarked
package io.socialink.presence.metrics;

import org.jspecify.annotations.NullMarked;
