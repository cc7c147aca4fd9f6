@NullMarked
package io.socialink.groups.topology;

import org.jspecify.annotations.NullMarked;
