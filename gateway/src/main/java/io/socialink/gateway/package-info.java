@NullMarked
package io.socialink.gateway;

import org.jspecify.annotations.NullMarked;
