@NullMarked
package io.socialink.gateway.problem;

import org.jspecify.annotations.NullMarked;
