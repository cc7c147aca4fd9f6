@NullMarked
package io.socialink.streams.security;

import org.jspecify.annotations.NullMarked;
