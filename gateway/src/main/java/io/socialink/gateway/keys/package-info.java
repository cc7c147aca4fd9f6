@NullMarked
package io.socialink.gateway.keys;

import org.jspecify.annotations.NullMarked;
