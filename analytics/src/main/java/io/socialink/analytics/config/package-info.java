@NullMarked
package io.socialink.analytics.config;

import org.jspecify.annotations.NullMarked;
