@NullMarked
package io.socialink.delivery.metrics;

import org.jspecify.annotations.NullMarked;
