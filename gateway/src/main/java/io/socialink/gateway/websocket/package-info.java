@NullMarked
package io.socialink.gateway.websocket;

import org.jspecify.annotations.NullMarked;
