@NullMarked
package io.socialink.groups;

import org.jspecify.annotations.NullMarked;
