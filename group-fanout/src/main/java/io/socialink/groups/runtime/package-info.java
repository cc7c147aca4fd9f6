@NullMarked
package io.socialink.groups.runtime;

import org.jspecify.annotations.NullMarked;
