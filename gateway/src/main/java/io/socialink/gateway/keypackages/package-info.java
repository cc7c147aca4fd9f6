@NullMarked
package io.socialink.gateway.keypackages;

import org.jspecify.annotations.NullMarked;
