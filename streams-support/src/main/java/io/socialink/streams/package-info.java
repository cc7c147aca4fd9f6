@NullMarked
package io.socialink.streams;

import org.jspecify.annotations.NullMarked;
