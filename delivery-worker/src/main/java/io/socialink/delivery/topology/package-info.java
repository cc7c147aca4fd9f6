@NullMarked
package io.socialink.delivery.topology;

import org.jspecify.annotations.NullMarked;
