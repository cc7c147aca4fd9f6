@NullMarked
package io.socialink.delivery.config;

import org.jspecify.annotations.NullMarked;
