/** Redis plumbing shared by features: pub/sub channel listening. */
@NullMarked
package io.socialink.gateway.redis;

import org.jspecify.annotations.NullMarked;
