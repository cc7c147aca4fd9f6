@NullMarked
package io.socialink.presence.config;

import org.jspecify.annotations.NullMarked;
