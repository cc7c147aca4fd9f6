@NullMarked
package io.socialink.delivery.runtime;

import org.jspecify.annotations.NullMarked;
