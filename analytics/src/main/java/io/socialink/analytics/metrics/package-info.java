@NullMarked
package io.socialink.analytics.metrics;

import org.jspecify.annotations.NullMarked;
