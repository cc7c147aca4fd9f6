@NullMarked
package io.socialink.groups.config;

import org.jspecify.annotations.NullMarked;
