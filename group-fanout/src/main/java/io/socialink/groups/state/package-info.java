@NullMarked
package io.socialink.groups.state;

import org.jspecify.annotations.NullMarked;
