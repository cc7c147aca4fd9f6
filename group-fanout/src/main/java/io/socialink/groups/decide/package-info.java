@NullMarked
package io.socialink.groups.decide;

import org.jspecify.annotations.NullMarked;
