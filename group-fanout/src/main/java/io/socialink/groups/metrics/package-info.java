@NullMarked
package io.socialink.groups.metrics;

import org.jspecify.annotations.NullMarked;
