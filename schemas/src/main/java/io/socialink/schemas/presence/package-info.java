@NullMarked
package io.socialink.schemas.presence;

import org.jspecify.annotations.NullMarked;
