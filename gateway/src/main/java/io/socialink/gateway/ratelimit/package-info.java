@NullMarked
package io.socialink.gateway.ratelimit;

import org.jspecify.annotations.NullMarked;
