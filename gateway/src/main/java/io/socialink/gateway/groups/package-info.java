@NullMarked
package io.socialink.gateway.groups;

import org.jspecify.annotations.NullMarked;
