@NullMarked
package io.socialink.gateway.messages;

import org.jspecify.annotations.NullMarked;
