@NullMarked
package io.socialink.delivery;

import org.jspecify.annotations.NullMarked;
