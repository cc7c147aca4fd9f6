@NullMarked
package io.socialink.schemas.topics;

import org.jspecify.annotations.NullMarked;
