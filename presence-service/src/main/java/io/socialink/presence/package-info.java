@NullMarked
package io.socialink.presence;

import org.jspecify.annotations.NullMarked;
