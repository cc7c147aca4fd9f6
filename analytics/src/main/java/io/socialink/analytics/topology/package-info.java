@NullMarked
package io.socialink.analytics.topology;

import org.jspecify.annotations.NullMarked;
