@NullMarked
package io.socialink.testing;

import org.jspecify.annotations.NullMarked;
