@NullMarked
package io.socialink.delivery.queue;

import org.jspecify.annotations.NullMarked;
