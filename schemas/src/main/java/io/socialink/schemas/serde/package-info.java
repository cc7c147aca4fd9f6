@NullMarked
package io.socialink.schemas.serde;

import org.jspecify.annotations.NullMarked;
