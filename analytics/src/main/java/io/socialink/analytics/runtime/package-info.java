@NullMarked
package io.socialink.analytics.runtime;

import org.jspecify.annotations.NullMarked;
