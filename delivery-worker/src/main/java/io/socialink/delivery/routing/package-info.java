@NullMarked
package io.socialink.delivery.routing;

import org.jspecify.annotations.NullMarked;
