/** ipsec4j linux module. */
package org.ipsec4j.linux;
