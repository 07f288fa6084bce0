"""gapsight.reports"""
