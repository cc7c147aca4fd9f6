@NullMarked
package io.socialink.gateway.status;

import org.jspecify.annotations.NullMarked;
