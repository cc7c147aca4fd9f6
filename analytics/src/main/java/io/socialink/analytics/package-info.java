@NullMarked
package io.socialink.analytics;

import org.jspecify.annotations.NullMarked;
