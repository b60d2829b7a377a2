"""The meeting on screen, by screen: commentary (notes and decisions), presenter mode and
the exports, over what they share."""
