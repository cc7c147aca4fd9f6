@NullMarked
package io.socialink.gateway.config;

import org.jspecify.annotations.NullMarked;
