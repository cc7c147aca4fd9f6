@NullMarked
package io.socialink.gateway.metrics;

import org.jspecify.annotations.NullMarked;
