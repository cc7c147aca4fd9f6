@NullMarked
package io.socialink.bench;

import org.jspecify.annotations.NullMarked;
