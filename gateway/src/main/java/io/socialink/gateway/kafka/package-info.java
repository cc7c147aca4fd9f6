@NullMarked
package io.socialink.gateway.kafka;

import org.jspecify.annotations.NullMarked;
