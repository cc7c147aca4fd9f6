@NullMarked
package io.socialink.gateway.mls;

import org.jspecify.annotations.NullMarked;
