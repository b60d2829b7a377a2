"""The Goals & definitions screens: conversion goals, targets and the signed stage
definitions."""
