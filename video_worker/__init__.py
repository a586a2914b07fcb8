"""Headless worker that samples kitchen camera streams with OpenCV (明厨亮灶). Not built yet: this
package holds its place in the fixed layout."""
